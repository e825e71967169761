"""Placeholder replaced below."""


def config_table(daformer_root, mic_root):
    return ''
