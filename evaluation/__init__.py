"""Evaluation material the product and the benchmarks share: REPO-PROMPTS requests with ground truth
(`repo_prompts`, built on `queries`), the simulated user that answers Check-in's questions, and the
selection systems behind one interface (`selectors`: Check-in, its ablations and the paper's baselines).
The judging tab (judging/, ui/) shows these pairs to people; bench/ scores them."""
