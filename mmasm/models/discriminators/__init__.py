from .output_space_discriminator import OutputSpaceDiscriminator

__all__ = ['OutputSpaceDiscriminator']
