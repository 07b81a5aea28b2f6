"""The AI layer: one assistant with four modes, prompts, anonymisation, fact-checking, tokens and cost.

Nothing here touches the network or a disk cache at import time: the API client is created on the
first call in ``api`` mode, the tiktoken cache is seeded on the first count, and the Presidio /
spaCy engine is built on the first anonymisation that asks for it.
"""

from .anonymize import Anonymizer, KnownEntities, anonymize_excel
from .assistant import MODES, OFFLINE_LABEL, Answer, Assistant, Provenance, Task, copy_block_html
from .backends import BackendError, Diagnosis, OpenAIBackend, Usage, check_connection
from .config import AIConfig, Secret, load_config
from .factcheck import FactChecker, FactCheckReport, check_answer, extract_facts, render_html, render_text
from .library import fill, get_prompt, library_tasks, load_library, run_assertions
from .pricing import Cost, course_day_cost, estimate_cost, price_table
from .rcotf import RcotfPrompt, iterate
from .recordings import Recording, RecordingStore, prompt_hash
from .tokens import TokenCount, count_chat_tokens, count_tokens, seed_tiktoken_cache

__all__ = [
    "MODES", "OFFLINE_LABEL", "Answer", "Assistant", "Provenance", "Task", "copy_block_html",
    "BackendError", "Diagnosis", "OpenAIBackend", "Usage", "check_connection",
    "AIConfig", "Secret", "load_config",
    "Anonymizer", "KnownEntities", "anonymize_excel",
    "FactChecker", "FactCheckReport", "check_answer", "extract_facts", "render_html", "render_text",
    "fill", "get_prompt", "library_tasks", "load_library", "run_assertions",
    "RcotfPrompt", "iterate",
    "Cost", "course_day_cost", "estimate_cost", "price_table",
    "Recording", "RecordingStore", "prompt_hash",
    "TokenCount", "count_chat_tokens", "count_tokens", "seed_tiktoken_cache",
]
