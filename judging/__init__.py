"""Evaluators' pairwise judgments: the pairs shown (selection and image), the votes (SQLite), win rates."""
