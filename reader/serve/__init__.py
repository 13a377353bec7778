"""`reader serve`: the app in a web page, one app process per browser tab, behind a secret token."""
