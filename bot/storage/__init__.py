"""Storage: the only package that writes SQL. Typed ORM rows in tables.py, queries in repository.py."""
