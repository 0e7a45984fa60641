r"""An MLP whose initial weights are scaled: a sharper start for warm-up experiments."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_real
from .mlp import MLP

__all__ = ["ScaledMLP"]


class ScaledMLP(MLP):
    r"""An :class:`~lrsched.network.MLP` whose initial weights are ``init_scale`` times the
    usual ones, :math:`\theta_0 = c\,\theta_0^{\text{He/Glorot}}` (the biases stay 0).

    With ReLU and zero biases the logits at initialisation scale as :math:`c^{L}` for
    :math:`L` weight layers, so :math:`c > 1` starts training in a sharper region (a
    larger top Hessian eigenvalue), the setting in which warm-up is expected to matter
    (Gilmer et al., 2021; Kalra & Barkeshli, 2024). ``init_scale`` is in ``(0, 10]``.
    """

    def __init__(self, sizes: tuple[int, ...] = (64, 64, 10), init_scale: float = 1.0,
                 activation: str = "relu", init: str = "he") -> None:
        super().__init__(sizes, activation, init)
        self.init_scale = check_real("init_scale", init_scale, low=0.0, high=10.0,
                                     low_open=True)

    def __repr__(self) -> str:
        return "Scaled" + super().__repr__().replace("(", f"(init_scale={self.init_scale:g}, ", 1)

    def init_params(self, seeds: Any) -> np.ndarray:
        """:meth:`MLP.init_params` times ``init_scale``."""
        return super().init_params(seeds) * self.init_scale
