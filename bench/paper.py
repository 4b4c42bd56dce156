"""The paper's own figures for the cells the report measures, printed beside ours.

"PersonalQ: Select, Quantize, and Serve Personalized Diffusion Models for Efficient Inference"
(arXiv 2603.22943): Table 2 (selection), Table 3 (Check-in components), Table 4 and Table 1
(FID under quantization).
"""
from __future__ import annotations

# method → (intent score, Check-in's win rate against it)
TABLE2 = {"random": ("2.14 ± 0.82", "89.1"), "reranker": ("3.21 ± 0.76", "85.7"),
          "stylus": ("3.68 ± 0.69", "82.1"), "checkin": ("4.42 ± 0.51", "—")}
# Check-in variant → intent score
TABLE3 = {"no clarify, no metadata": "3.21", "no clarify": "3.98", "no metadata": "4.18", "checkin": "4.42",
          "no lexical half": "—"}
# (bits, activation quantizer, protected tokens) → FID
TABLE4_FID = {("w8a8", "uniform", "none"): "15.83", ("w8a8", "uniform", "trigger"): "11.04",
              ("w8a8", "log", "none"): "17.62", ("w8a8", "log", "trigger"): "13.67",
              ("w8a4", "uniform", "none"): "54.12", ("w8a4", "uniform", "trigger"): "44.53",
              ("w8a4", "log", "none"): "56.21", ("w8a4", "log", "trigger"): "38.22"}
# bits → FID with TAQ
TABLE1_TAQ_FID = {"float": "10.96", "w8a8": "11.03", "w4a8": "13.74", "w8a4": "38.84", "w4a4": "47.73"}
# the targets the report checks and the paper's related figures
CLARIFICATION_RESOLVED = "89.3 % of ambiguous resolved"
SELECTION_LATENCY = "retrieve + reason 17.8 s (Gemini 2.5 Flash, Table 9)"
MEMORY = {"w8": "4× smaller than fp32 (Table 1)", "w4": "8× smaller; up to 75 % less serving memory than fp16"}
