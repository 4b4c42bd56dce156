"""UNets held in memory under a budget (`PERSONALQ_MEMORY_BUDGET_MB`), least recently used evicted first.

The budget covers the UNets, the part that differs between requests (float base, quantized bases,
fine-tuned UNets); the text encoder and VAE are shared and outside it. A model is never loaded past
the budget: the caller gives an estimate first (from the file's tensor shapes), room is made, and
the real size (bytes of the actual tensors) is recorded after loading.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from torch import nn

from errors import PersonalQError
from quant.packed import tensor_bytes


class MemoryBudgetError(PersonalQError, RuntimeError):
    """A model does not fit the memory budget even with everything else evicted."""


class ModelCache:
    def __init__(self, budget_bytes: int, on_evict: Callable[[Hashable, nn.Module], None] | None = None):
        self.budget = budget_bytes
        self.on_evict = on_evict  # lets the owner drop its own references (e.g. pipe.unet)
        self._entries: OrderedDict[Hashable, tuple[nn.Module, int]] = OrderedDict()

    @property
    def used(self) -> int:
        return sum(size for _, size in self._entries.values())

    def keys(self) -> list[Hashable]:
        return list(self._entries)

    def sizes(self) -> dict[Hashable, int]:
        return {key: size for key, (_, size) in self._entries.items()}

    def get(self, key: Hashable) -> nn.Module | None:
        if key not in self._entries:
            return None
        self._entries.move_to_end(key)
        return self._entries[key][0]

    def _too_big(self, size: int, what: str) -> MemoryBudgetError:
        return MemoryBudgetError(f"{what} needs {size / 2**20:.1f} MB but the memory budget is "
                                 f"{self.budget / 2**20:.1f} MB; raise PERSONALQ_MEMORY_BUDGET_MB or use fewer bits")

    def make_room(self, size: int, what: str = "the model") -> None:
        if size > self.budget:
            raise self._too_big(size, what)
        while self._entries and self.used + size > self.budget:
            key, (module, _) = self._entries.popitem(last=False)
            if self.on_evict:
                self.on_evict(key, module)

    def load(self, key: Hashable, build: Callable[[], nn.Module], estimate: int, what: str = "the model") -> nn.Module:
        """The cached module for `key`, or `build()` it after making room for `estimate` bytes."""
        cached = self.get(key)
        if cached is not None:
            return cached
        self.make_room(estimate, what)
        module = build()
        self.add(key, module, what)
        return module

    def add(self, key: Hashable, module: nn.Module, what: str = "the model") -> None:
        size = tensor_bytes(module)
        self._entries.pop(key, None)
        self.make_room(size, what)
        self._entries[key] = (module, size)

    def drop(self, key: Hashable) -> None:
        self._entries.pop(key, None)
