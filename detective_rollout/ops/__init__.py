"""The operator side of a rollout: start, watch, replay and report - on AWS or on the embedded engine.

``commands`` registers ``status``, ``replay``, ``report``, ``console-input`` and ``diagram`` on the CLI;
``backend`` is what they ask (AWS in ``aws``, a ``--state-dir`` in ``store``/``session``); ``progress``,
``html``, ``formats``, ``replay``, ``redrive`` and ``diagram`` are the pure parts they print from.
"""
