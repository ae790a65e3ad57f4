"""Extensions loaded by the Rasa server itself (run in .venv-rasa, Python 3.10)."""
