from .classifier_features import capture_classifier_input, forward_with_features

__all__ = ['capture_classifier_input', 'forward_with_features']
