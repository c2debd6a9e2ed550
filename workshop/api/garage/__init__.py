"""Customers, cars, repair orders, their lines and transitions, notifications."""
