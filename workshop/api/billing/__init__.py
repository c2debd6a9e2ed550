"""Invoices (and their PDF), credit notes and payments, read-only: billing writes stay in the admin."""
