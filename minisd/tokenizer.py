"""Build the Stable Diffusion 1.5 `CLIPTokenizer` folder from open-clip-torch's BPE vocabulary.

open-clip-torch ships `open_clip/bpe_simple_vocab_16e6.txt.gz`, the merges CLIP was trained with.
The Hugging Face `CLIPTokenizer` wants the same data as `vocab.json` + `merges.txt`; this module
converts one into the other, so triggers such as `<bear-v4>` split into exactly the sub-tokens they
get in SD1.5 ("a photo of a cat" → 49406 320 1125 539 320 2368 49407).

The built folder is committed with the mini model (`minisd/weights/base/tokenizer`). To rebuild it
without installing open-clip-torch (whose dependencies pull a CUDA torch), fetch only its wheel:

    pip download --no-deps open-clip-torch==3.3.0 -d /tmp/oc
    python -m minisd.tokenizer --wheel /tmp/oc/open_clip_torch-3.3.0-py3-none-any.whl OUT_DIR
"""
from __future__ import annotations

import argparse
import gzip
import json
import zipfile
from pathlib import Path

VOCAB_MEMBER = "open_clip/bpe_simple_vocab_16e6.txt.gz"
MERGES = 49152 - 256 - 2  # CLIP keeps the first 48,894 merges of the file
BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte → printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def read_bpe(source: Path) -> list[str]:
    """The merge lines from a `.txt.gz`, a wheel holding one, or an installed open_clip."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            raw = gzip.decompress(wheel.read(VOCAB_MEMBER))
    else:
        raw = gzip.open(source).read()
    lines = raw.decode("utf-8").split("\n")
    return lines[1:MERGES + 1]


def build(bpe_lines: list[str], out: Path) -> Path:
    """Write vocab.json, merges.txt and the SD1.5 tokenizer configs to `out`."""
    merges = [tuple(line.split()) for line in bpe_lines]
    units = list(bytes_to_unicode().values())
    vocab = units + [u + "</w>" for u in units] + ["".join(m) for m in merges] + [BOS, EOS]
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}, ensure_ascii=False))
    (out / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    (out / "special_tokens_map.json").write_text(json.dumps(
        {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS}, indent=2))
    (out / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "do_lower_case": True, "errors": "replace",
         "add_prefix_space": False, "bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS}, indent=2))
    return out


def installed_vocab() -> Path:
    import open_clip  # optional: only when open-clip-torch is installed

    return Path(open_clip.__file__).parent / Path(VOCAB_MEMBER).name


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m minisd.tokenizer", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--wheel", type=Path, help="an open-clip-torch wheel (or the .txt.gz itself)")
    args = parser.parse_args(argv)
    source = args.wheel or installed_vocab()
    print(f"wrote {build(read_bpe(source), args.out)}")


if __name__ == "__main__":
    main()
