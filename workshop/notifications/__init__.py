"""Messages to customers: sending (gateways, templates, queue) and the periodic reminders that create them."""
