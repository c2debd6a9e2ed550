"""The dashboard and the financial and activity reports as JSON, computed by the functions of the report pages."""
