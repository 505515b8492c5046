"""Investigations that last: cases, their record, mock recalls and signatures (no Qt)."""
