"""One module per kind of page; each defines `router` with an HTML page and its JSON twin."""
