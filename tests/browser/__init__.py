"""Browser tests: the course in JupyterLab and the static HTML site, in Chromium."""
