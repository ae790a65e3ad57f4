"""Redaction of personal data, shared by the backend, Rasa and the action server.

Dependency-free on purpose: it is imported in both Python environments.
"""
