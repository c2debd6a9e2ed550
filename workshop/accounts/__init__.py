"""Accounts of the mobile app and the API: who a user is, their sessions (JWT), registration by phone."""
