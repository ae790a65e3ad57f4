"""FAQ knowledge base: curated entries, hybrid index (dense + lexical), question answering.

Keep this file free of imports: `knowledge.language` is also used from the Rasa environment.
"""
