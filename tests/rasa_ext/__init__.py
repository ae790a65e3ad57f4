"""Tests of rasa_ext as the Rasa process loads it, run in the Rasa environment (.venv-rasa has
Rasa, .venv has not) with the standard library's unittest: `tests/test_rasa_ext_unit.py` starts
them. `test_predictions` needs a trained model, named by RASA_MODEL_FILE."""
