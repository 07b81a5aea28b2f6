"""The fil-rouge company: model, generator, ground truth, dataset files."""

from .dataset import load_company, write_dataset
from .generator import generate_company
from .model import Company

__all__ = ["Company", "generate_company", "load_company", "write_dataset"]
