"""The REST API for the garage's mobile app and integrations: a thin caller of the domain functions the admin uses.

Packages by capability: `accounts` (tokens, registration, who am I), `garage` (customers, cars, jobs, lines,
notifications), `billing` (invoices, credit notes, payments), `reports` (the manager's figures)."""
