"""Outgoing e-mail: an outbox table written with the change, and a background SMTP sender."""
