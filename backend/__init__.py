"""Registration backend: owns all data and rules, serves /api/v1, proxies chat to Rasa."""
