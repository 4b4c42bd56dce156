"""Memory at full Stable Diffusion 1.5 size: is "up to 75% less than FP16" real?

An SD1.5-shaped UNet (the real config, 859.5M parameters, random weights) is saved once per precision
(fp32, fp16, W8 and W4 packed). Then each precision is served by a fresh process that loads only
its own file (quantized models without ever materializing float weights), for W8A8 / W4A8 installs
the TAQ processors (dynamic ranges), and runs one denoising step at 512×512 with guidance (batch 2).
That process reports the bytes of its actual tensors, its resident memory growth after the step
(process baseline subtracted), its peak resident memory, and the step's latency.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

SD15_UNET = dict(sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
                 block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768, attention_head_dim=8,
                 down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                   "DownBlock2D"),
                 up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
                 norm_num_groups=32)  # runwayml/stable-diffusion-v1-5 unet/config.json
PRECISIONS = ("fp32", "fp16", "w8", "w4", "w8a8", "w4a8")  # w8/w4: weights only, float activations


def rss_bytes() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def prepare(folder: Path) -> None:
    """Write fp32/fp16 safetensors and W8/W4 quantized files of one random SD1.5 UNet."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import load_file, save_file

    from quant.model import quantize_weights, save_quantized

    torch.manual_seed(0)
    unet = UNet2DConditionModel(**SD15_UNET)
    state = {k: v.contiguous() for k, v in unet.state_dict().items()}
    save_file(state, str(folder / "fp32.safetensors"))
    save_file({k: v.half() for k, v in state.items()}, str(folder / "fp16.safetensors"))
    del unet, state
    for bits in (8, 4):
        unet = UNet2DConditionModel(**SD15_UNET)
        unet.load_state_dict(load_file(str(folder / "fp32.safetensors")))
        quantize_weights(unet, bits)
        save_quantized(unet, folder / f"w{bits}.safetensors", bits, {"unet_config": json.dumps(dict(unet.config))})
        del unet


def serve_one(folder: Path, precision: str, queue) -> None:
    """Child process: load one precision, run one denoising step, report what it measured."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import load_file

    from quant.model import QuantConfig, load_quantized, quantize
    from quant.packed import tensor_bytes

    torch.manual_seed(0)
    before = rss_bytes()
    if precision in ("fp32", "fp16"):
        dtype = torch.float32 if precision == "fp32" else torch.float16
        with torch.device("meta"):
            unet = UNet2DConditionModel(**SD15_UNET)
        unet.load_state_dict(load_file(str(folder / f"{precision}.safetensors")), assign=True)
        unet = unet.to(dtype)
    else:
        dtype = torch.float32
        unet = load_quantized(folder / f"w{precision[1]}.safetensors",
                              lambda meta: UNet2DConditionModel.from_config(json.loads(meta["unet_config"])))
        if "a" in precision:  # dynamic ranges: there are no calibration prompts for random weights
            quantize(unet, QuantConfig.parse(precision))
    latents = torch.randn(2, 4, 64, 64, dtype=dtype)
    text = torch.randn(2, 77, 768, dtype=dtype)
    start = time.perf_counter()
    with torch.inference_mode():
        unet(latents, torch.tensor([500, 500]), text)
    seconds = time.perf_counter() - start
    # safetensors maps the file and pages weights in on first use: after one step all of them are resident
    queue.put({"precision": precision, "tensor_bytes": tensor_bytes(unet), "rss_after_step": rss_bytes() - before,
               "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "step_seconds": seconds,
               "parameters": sum(p.numel() for p in unet.parameters()) if precision.startswith("fp") else None})


def run_sd15_memory(folder: Path | None = None, precisions: tuple[str, ...] = PRECISIONS) -> list[dict]:
    from rich.console import Console
    from rich.table import Table

    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sd15-") as tmp:
        folder = Path(folder or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not all((folder / f).is_file() for f in ("fp32.safetensors", "fp16.safetensors", "w8.safetensors",
                                                    "w4.safetensors")):
            Console(stderr=True).print("writing SD1.5-size fp32, fp16, W8 and W4 UNets (random weights)…")
            child = context.Process(target=prepare, args=(folder,))
            child.start()
            child.join()
            if child.exitcode != 0:
                raise RuntimeError(f"preparing the SD1.5-size UNets failed (exit {child.exitcode})")
        rows = []
        for precision in precisions:
            queue = context.Queue()
            child = context.Process(target=serve_one, args=(folder, precision, queue))
            child.start()
            rows.append(queue.get())
            child.join()
    fp16 = next((r["tensor_bytes"] for r in rows if r["precision"] == "fp16"), None)
    table = Table(title="SD1.5-size UNet (859.5M parameters): one process per precision, one denoising step, "
                        "512×512, batch 2 (guidance), CPU")
    for column in ("precision", "UNet tensors", "vs fp16", "RSS after a step", "peak RSS", "step latency"):
        table.add_column(column, justify="right")
    for r in rows:
        share = f"{r['tensor_bytes'] / fp16:.1%}" if fp16 else "-"
        table.add_row(r["precision"], f"{r['tensor_bytes'] / 2**20:,.0f} MB", share, f"{r['rss_after_step'] / 2**20:,.0f} MB",
                      f"{r['peak_rss'] / 2**20:,.0f} MB", f"{r['step_seconds']:.1f} s")
    Console().print(table)
    return rows


if __name__ == "__main__":
    run_sd15_memory()
