"""Tokens, customer registration by phone, password change and who-am-I."""
