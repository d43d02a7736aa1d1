"""Russian full-text search over appeals and the knowledge base (issue 12): one interface, a
PostgreSQL and a SQLite backend, fed from the journal outbox."""
