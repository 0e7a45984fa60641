r"""A small-network simulator: many MLP training runs at once, in NumPy.

A multilayer perceptron (:class:`MLP`) whose weights carry a leading run axis, the
optimizers SGD, heavy-ball momentum, Adam and AdamW with PyTorch's update rules
(:mod:`.optimizers`), batched mini-batch training where every run follows its own
learning-rate schedule (:func:`train`, :func:`train_grid`), a sharpness probe
(:func:`sharpness`) and summaries over seeds (:func:`mean_ci`, :func:`win_rate`).
The data are the standardised digits split (:func:`digits_data`, needs scikit-learn)
or any arrays (:class:`NetworkData`).

    >>> from lrsched import Cosine
    >>> from lrsched.network import MLP, SGD, digits_data, train_grid
    >>> rec = train_grid(MLP((64, 64, 10)), SGD(momentum=0.9), digits_data(),
    ...                  [Cosine(0.05, 210)], seeds=range(3), T=210)  # doctest: +SKIP
"""

from .data import NetworkData, digits_data, noisy_labels
from .mlp import ACTIVATIONS, INITS, MLP
from .optimizers import SGD, Adam, AdamW, Optimizer, make_optimizer
from .sharpness import SharpnessResult, sharpness
from .summary import mean_ci, win_rate
from .train import TrainRecord, train, train_grid

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "NetworkData",
    "Optimizer",
    "SharpnessResult",
    "TrainRecord",
    "digits_data",
    "make_optimizer",
    "noisy_labels",
    "mean_ci",
    "sharpness",
    "train",
    "train_grid",
    "win_rate",
]
