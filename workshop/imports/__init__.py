"""Bulk import of a garage's customers and cars: files (`spreadsheets`, `spreadsheet_limits`), columns, row
validation (`rows`, `validation`), bulk writes with history (`bulk_writes`), the import itself (`importer`) and
its background runs from the admin (`runs`)."""
