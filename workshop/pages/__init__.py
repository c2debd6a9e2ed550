"""What the customer and car pages show, read in a fixed number of queries whatever the history's length."""
