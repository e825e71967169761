"""DreamBooth fine-tuning of Stable Diffusion on one image (DATUM's
personalisation stage, Benigmim et al., 2023, section 3.1)."""
from typing import Optional

import torch
import torch.nn.functional as F

from mmasm.registry import OPTIMIZERS
from mmasm.utils import seed_generator
from .one_shot_crops import OneShotCrops


class DreamBooth:
    """One DreamBooth update per :meth:`train_step` on crops of the one-shot
    image with the instance prompt (no prior preservation, as DATUM).

    The loss is the denoising objective of latent diffusion:
    ``|| f_theta(z_t, t, c) - target ||^2`` with ``z_0 = E(x) * s`` (``s`` the
    VAE's ``scaling_factor``, 0.18215 for SD 1.x/2.x), ``z_t`` from DDPM's
    forward process at ``t ~ U{0, ..., T-1}`` and ``target = eps`` (or the
    velocity ``v`` for v-prediction models such as SD 2.1-768). The UNet and
    the text encoder are trained (or only their LoRA adapters, when the
    pipeline has them, see :func:`add_lora`); the VAE stays frozen.

    Every random draw of step ``k`` (crop, VAE sample, noise, timestep) comes
    from a generator seeded by ``(seed, k)``, so a run is a function of the
    seed alone.

    Args:
        pipeline: a ``StableDiffusionPipeline`` in fp32.
        crops: the training crops of the one-shot image.
        instance_prompt: "a photo of a sks urban scene" in DATUM.
        optimizer: optimizer config, e.g. ``dict(type='AdamW', lr=5e-6)``.
        max_grad_norm: gradient clipping threshold (1.0).
        batch_size: crops per step (1).
        train_text_encoder: also train the text encoder (DATUM: yes).
        seed: the seed of every random draw.
        gradient_checkpointing: recompute the trained networks' activations
            in the backward pass (less memory, slower steps).
    """

    def __init__(self,
                 pipeline,
                 crops: OneShotCrops,
                 instance_prompt: str,
                 optimizer: dict,
                 max_grad_norm: float = 1.0,
                 batch_size: int = 1,
                 train_text_encoder: bool = True,
                 seed: int = 0,
                 gradient_checkpointing: bool = False):
        from diffusers import DDPMScheduler
        self.pipeline = pipeline
        self.crops = crops
        self.instance_prompt = instance_prompt
        self.max_grad_norm = max_grad_norm
        self.batch_size = batch_size
        self.train_text_encoder = train_text_encoder
        self.seed = seed
        self.noise_scheduler = DDPMScheduler.from_config(
            pipeline.scheduler.config)
        self.prediction_type = self.noise_scheduler.config.prediction_type
        if self.prediction_type not in ('epsilon', 'v_prediction'):
            raise ValueError(
                f'scheduler prediction_type {self.prediction_type!r}: '
                "expected 'epsilon' or 'v_prediction'")
        pipeline.vae.requires_grad_(False).eval()
        self.trained = [pipeline.unet] + ([pipeline.text_encoder]
                                          if train_text_encoder else [])
        if not train_text_encoder:
            pipeline.text_encoder.requires_grad_(False).eval()
        if not any(p.requires_grad for m in self.trained
                   for p in m.parameters()):
            raise ValueError('DreamBooth: no trainable parameters')
        if gradient_checkpointing:
            pipeline.unet.enable_gradient_checkpointing()
            if train_text_encoder:
                pipeline.text_encoder.gradient_checkpointing_enable()
        self.params = [
            p for m in self.trained for p in m.parameters() if p.requires_grad
        ]
        self.optimizer = OPTIMIZERS.build(dict(optimizer, params=self.params))
        self.input_ids = pipeline.tokenizer(
            instance_prompt,
            truncation=True,
            padding='max_length',
            max_length=pipeline.tokenizer.model_max_length,
            return_tensors='pt').input_ids
        self.step = 0

    @property
    def device(self) -> torch.device:
        return self.pipeline.unet.device

    def loss(self, pixels: torch.Tensor,
             generator: torch.Generator) -> torch.Tensor:
        """The denoising loss of the crops ``pixels`` (in [-1, 1]) with the
        VAE sample, noise and timesteps drawn from ``generator`` (CPU)."""
        pipe = self.pipeline
        pixels = pixels.to(self.device, pipe.vae.dtype)
        with torch.no_grad():
            posterior = pipe.vae.encode(pixels).latent_dist
            latents = posterior.mean + posterior.std * torch.randn(
                posterior.mean.shape, generator=generator).to(
                    self.device, posterior.mean.dtype)
            latents = latents * pipe.vae.config.scaling_factor
        noise = torch.randn(
            latents.shape, generator=generator).to(self.device, latents.dtype)
        timesteps = torch.randint(
            0,
            self.noise_scheduler.config.num_train_timesteps, (len(latents), ),
            generator=generator).to(self.device)
        noisy_latents = self.noise_scheduler.add_noise(latents, noise,
                                                       timesteps)
        input_ids = self.input_ids.to(self.device).expand(len(latents), -1)
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and self.train_text_encoder):
            text_embeddings = pipe.text_encoder(input_ids)[0]
        prediction = pipe.unet(noisy_latents, timesteps,
                               text_embeddings).sample
        if self.prediction_type == 'epsilon':
            target = noise
        else:
            target = self.noise_scheduler.get_velocity(latents, noise,
                                                       timesteps)
        return F.mse_loss(prediction.float(), target.float())

    def train_step(self) -> float:
        """One AdamW update on a fresh batch of crops; returns the loss."""
        for module in self.trained:
            module.train()
        generator = seed_generator(torch.Generator(), self.seed, self.step)
        pixels = self.crops.sample(generator, self.batch_size)
        loss = self.loss(pixels, generator)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, self.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        return loss.item()

    @torch.no_grad()
    def evaluation_loss(self,
                        num_samples: int = 8,
                        seed: Optional[int] = None) -> float:
        """The mean loss over ``num_samples`` fixed draws (crops, noise,
        timesteps from ``seed``, default ``self.seed + 1``): comparable
        between steps, unlike the training loss."""
        for module in self.trained:
            module.eval()
        generator = torch.Generator().manual_seed(self.seed +
                                                  1 if seed is None else seed)
        pixels = self.crops.sample(generator, num_samples)
        return self.loss(pixels, generator).item()
