"""Redaction of personal data, shared by the backend, Rasa and the action server.

Imported in both Python environments: `redaction` needs nothing outside the standard library,
`hetu` only python-stdnum (pinned in both lock files).
"""
