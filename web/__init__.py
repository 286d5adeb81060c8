"""The web door: pages for officers, reviewers, supervisors and admins (FastAPI, Jinja2, htmx)."""
