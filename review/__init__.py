"""Review decisions: a status, a note and the history of both for every finding.

``schema`` declares the tables, ``migrations`` brings a database to the current
schema version, ``store`` is the one data-access module (SQLite or PostgreSQL through
SQLAlchemy Core); ``users`` and ``access`` decide who may sign in to a shared dashboard.
"""
