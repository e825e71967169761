"""DATUM's diffusion parts on a tiny random Stable Diffusion (built in code,
saved in diffusers' layout, no download): DreamBooth training, checkpoints,
LoRA, generation, the SD v1.4 folder layout and the model folder checks."""
import json
import os

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from safetensors.torch import load_file
from utils import REPO_ROOT, write_rgb_image, write_tiny_sd_pipeline

from mmasm.models.datum import (DATUM_CLASSES, IMAGE_DIR, PROMPTS_FILE,
                                DreamBooth, OneShotCrops, add_lora,
                                build_random_pipeline, check_model_dir,
                                generate_images, has_lora, load_lora,
                                load_pipeline, save_lora, write_char_tokenizer)

pytestmark = pytest.mark.usefixtures('one_torch_thread')
AUTHORS_CLASSES = [
    'traffic lights', 'traffic signs', 'persons', 'riders', 'cars', 'trucks',
    'trains', 'buses', 'motorcycles', 'bicycles'
]


@pytest.fixture(scope='module')
def tiny_sd(tmp_path_factory):
    return write_tiny_sd_pipeline(tmp_path_factory.mktemp('datum') / 'tiny_sd')


@pytest.fixture(scope='module')
def one_shot_image(tmp_path_factory):
    return write_rgb_image(
        tmp_path_factory.mktemp('datum_image') / 'target.png')


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def dreambooth(pipeline, image, lr=1e-3, **kwargs):
    crops = OneShotCrops(str(image), resize_short_side=40, crop_size=32)
    return DreamBooth(
        pipeline, crops, 'a photo of a sks urban scene',
        dict(
            type='AdamW',
            lr=lr,
            betas=(0.9, 0.999),
            eps=1e-8,
            weight_decay=1e-2), **kwargs)


def test_full_size_shapes_are_sd_v1_4(tmp_path):
    shapes = Config.fromfile(
        str(REPO_ROOT / 'configs/_base_/datum/sd-v1-4_shapes.py'))
    pipeline = build_random_pipeline(
        shapes.sd_shapes.to_dict(),
        write_char_tokenizer(str(tmp_path / 'tok')),
        device='meta')
    millions = {
        name:
        round(
            sum(p.numel()
                for p in getattr(pipeline, name).parameters()) / 1e6, 1)
        for name in ('unet', 'vae', 'text_encoder')
    }
    assert millions == dict(unet=859.5, vae=83.7, text_encoder=123.1)


def test_crops_are_windows_of_the_resized_image_without_flip(one_shot_image):
    crops = OneShotCrops(
        str(one_shot_image), resize_short_side=40, crop_size=32)
    assert crops.image.shape == (3, 40, 67)  # 48x80 -> short side 40
    assert crops.image.min() >= -1 and crops.image.max() <= 1
    batch = crops.sample(torch.Generator().manual_seed(0), 3)
    windows = crops.image.unfold(1, 32, 1).unfold(2, 32,
                                                  1)  # (3, 9, 36, 32, 32)
    for crop in batch:
        hits = (windows == crop[:, None, None]).flatten(3).all(-1).all(0)
        assert hits.any()  # an unflipped window
    with pytest.raises(ValueError, match='target.png.*short side'):
        OneShotCrops(str(one_shot_image), resize_short_side=20, crop_size=32)


def test_dreambooth_lowers_the_loss_and_trains_only_unet_and_text_encoder(
        tiny_sd, one_shot_image):
    pipeline = load_pipeline(str(tiny_sd))
    pipeline.unet.requires_grad_(True)
    pipeline.text_encoder.requires_grad_(True)
    before = {
        name: state(getattr(pipeline, name))
        for name in ('unet', 'vae', 'text_encoder')
    }
    trainer = dreambooth(pipeline, one_shot_image)
    start = trainer.evaluation_loss()
    assert trainer.evaluation_loss(
    ) == start  # fixed noise: a deterministic measure
    for _ in range(12):
        trainer.train_step()
    assert trainer.evaluation_loss() < 0.8 * start
    assert same(state(pipeline.vae), before['vae'])
    assert not same(state(pipeline.unet), before['unet'])
    assert not same(state(pipeline.text_encoder), before['text_encoder'])


def test_dreambooth_is_a_function_of_its_seed(tiny_sd, one_shot_image):
    runs = []
    for _ in range(2):
        pipeline = load_pipeline(str(tiny_sd))
        pipeline.unet.requires_grad_(True)
        trainer = dreambooth(
            pipeline, one_shot_image, train_text_encoder=False, seed=3)
        runs.append([trainer.train_step()
                     for _ in range(2)] + [state(pipeline.unet)])
    assert runs[0][:2] == runs[1][:2] and same(runs[0][2], runs[1][2])


def test_gradient_checkpointing_makes_the_same_step(tiny_sd, one_shot_image):
    states = []
    for checkpointing in (False, True):
        pipeline = load_pipeline(str(tiny_sd))
        pipeline.unet.requires_grad_(True)
        pipeline.text_encoder.requires_grad_(True)
        trainer = dreambooth(
            pipeline, one_shot_image, gradient_checkpointing=checkpointing)
        assert pipeline.unet.is_gradient_checkpointing == checkpointing
        trainer.train_step()
        states.append(state(pipeline.unet))
    for name, value in states[0].items():
        torch.testing.assert_close(
            states[1][name], value, atol=1e-6, rtol=1e-5)


def test_saved_pipeline_reloads_bit_exact(tiny_sd, one_shot_image, tmp_path):
    pipeline = load_pipeline(str(tiny_sd))
    pipeline.unet.requires_grad_(True)
    pipeline.text_encoder.requires_grad_(True)
    trainer = dreambooth(pipeline, one_shot_image)
    trainer.train_step()
    pipeline.save_pretrained(str(tmp_path / 'checkpoint'))
    reloaded = load_pipeline(str(tmp_path / 'checkpoint'))
    for name in ('unet', 'vae', 'text_encoder'):
        assert same(
            state(getattr(reloaded, name)), state(getattr(pipeline,
                                                          name))), name
    assert reloaded.safety_checker is None


def outputs(pipeline, seed=0):
    """Text features of a prompt and the UNet's noise prediction."""
    ids = pipeline.tokenizer(
        'a photo of sks cars',
        padding='max_length',
        max_length=77,
        return_tensors='pt').input_ids
    latents = torch.randn((1, 4, 16, 16),
                          generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        text = pipeline.text_encoder(ids)[0]
        return text, pipeline.unet(latents, torch.tensor([500]), text).sample


def test_lora_trains_adapters_only_and_saves_loads_and_fuses(
        tiny_sd, one_shot_image, tmp_path):
    pipeline = add_lora(load_pipeline(str(tiny_sd)), rank=4)
    base = {
        name: state(getattr(pipeline, name))
        for name in ('unet', 'text_encoder')
    }
    untrained = outputs(pipeline)
    trainer = dreambooth(pipeline, one_shot_image, lr=1e-2)
    trained = [
        n for m in (pipeline.unet, pipeline.text_encoder)
        for n, p in m.named_parameters() if p.requires_grad
    ]
    assert trained and all('lora_' in n for n in trained)
    assert any(p.requires_grad for p in pipeline.text_encoder.parameters())
    for _ in range(3):
        trainer.train_step()
    for name in ('unet', 'text_encoder'):  # the base weights are untouched
        now = state(getattr(pipeline, name))
        assert all(
            torch.equal(now[k], v) for k, v in base[name].items()
            if 'lora_' not in k)
    text, noise = outputs(pipeline)
    assert not torch.allclose(text, untrained[0]) and not torch.allclose(
        noise, untrained[1])

    weights = save_lora(pipeline, str(tmp_path / 'lora'))
    assert os.listdir(tmp_path / 'lora') == [os.path.basename(weights)]
    loaded = load_lora(
        load_pipeline(str(tiny_sd)), str(tmp_path / 'lora'), fuse=False)
    assert has_lora(loaded.unet)
    for got, want in zip(outputs(loaded), (text, noise)):
        assert torch.equal(got, want)
    fused = load_lora(
        load_pipeline(str(tiny_sd)), str(tmp_path / 'lora'), fuse=True)
    assert not has_lora(fused.unet) and not has_lora(fused.text_encoder)
    for got, want in zip(outputs(fused), (text, noise)):
        torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)
    with pytest.raises(FileNotFoundError, match='pytorch_lora_weights'):
        load_lora(load_pipeline(str(tiny_sd)), str(tmp_path))


def read(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def generate(pipeline, out_dir, num_images=6, batch_size=4, **kwargs):
    return generate_images(
        pipeline,
        str(out_dir),
        num_images,
        seed=5,
        batch_size=batch_size,
        height=32,
        width=32,
        num_inference_steps=3,
        progress=False,
        **kwargs)


def test_generation_writes_the_authors_prompts_and_resumes(tiny_sd, tmp_path):
    assert list(DATUM_CLASSES) == AUTHORS_CLASSES
    pipeline = load_pipeline(str(tiny_sd))
    paths = generate(pipeline, tmp_path, num_images=12)
    files = sorted(os.listdir(tmp_path / IMAGE_DIR))
    assert files == [f'datum_{j:06d}_leftImg8bit.png' for j in range(12)]
    assert [p.split('/')[-1] for p in paths] == files
    assert all(read(p).shape == (32, 32, 3) for p in paths)
    records = json.loads((tmp_path / PROMPTS_FILE).read_text())
    assert [r['prompt'] for r in records['images']] == [
        f'a photo of sks {AUTHORS_CLASSES[j % 10]}' for j in range(12)
    ]
    assert [r['seed'] for r in records['images']] == list(range(5, 17))
    assert records['settings']['num_inference_steps'] == 3

    first = {p: read(p) for p in paths}
    os.remove(paths[1])
    os.remove(paths[7])
    stamps = {p: os.stat(p).st_mtime_ns for p in paths if os.path.exists(p)}
    generate(pipeline, tmp_path, num_images=12)
    assert all(os.stat(p).st_mtime_ns == t for p, t in stamps.items())  # kept
    assert all(np.array_equal(read(p), first[p])
               for p in paths)  # and remade identically
    with pytest.raises(ValueError, match='num_inference_steps'):
        generate_images(
            pipeline,
            str(tmp_path),
            12,
            seed=5,
            height=32,
            width=32,
            num_inference_steps=4,
            progress=False)


def test_images_do_not_depend_on_the_batch_size(tiny_sd, tmp_path):
    """One generator per image: batch 1 and 4 make the same images, up to
    float rounding of batched kernels (at most one grey level, rare)."""
    pipeline = load_pipeline(str(tiny_sd))
    one = np.stack([
        read(p) for p in generate(pipeline, tmp_path / 'one', 5, batch_size=1)
    ])
    four = np.stack([
        read(p)
        for p in generate(pipeline, tmp_path / 'four', 5, batch_size=4)
    ])
    difference = np.abs(one.astype(int) - four.astype(int))
    assert difference.max() <= 1 and (difference == 0).mean() > 0.99
    assert not np.array_equal(one[0], one[1])


def test_shards_make_the_same_set(tiny_sd, tmp_path):
    pipeline = load_pipeline(str(tiny_sd))
    whole = generate(pipeline, tmp_path / 'whole', num_images=5)
    shards = [
        generate(pipeline, tmp_path / 'shards', num_images=5, shard=(i, 2))
        for i in (1, 0)
    ]
    assert [p.split('/')[-1] for p in shards[0]
            ] == [f'datum_{j:06d}_leftImg8bit.png' for j in (1, 3)]
    assert sorted(os.listdir(tmp_path / 'shards' / IMAGE_DIR)) == sorted(
        os.listdir(tmp_path / 'whole' / IMAGE_DIR))
    for path in whole:
        other = path.replace('/whole/', '/shards/')
        assert np.abs(read(path).astype(int) -
                      read(other).astype(int)).max() <= 1
    with pytest.raises(ValueError, match='shard'):
        generate(pipeline, tmp_path / 'shards', num_images=5, shard=(2, 2))


def write_sd_v1_4_layout(folder, tiny_sd):
    """``tiny_sd`` re-saved as CompVis/stable-diffusion-v1-4 ships it: ``.bin``
    weights, a (tiny) safety checker and its feature extractor listed in
    model_index.json."""
    from diffusers.pipelines.stable_diffusion.safety_checker import \
        StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPImageProcessor
    pipeline = load_pipeline(str(tiny_sd))
    pipeline.save_pretrained(str(folder), safe_serialization=False)
    small = dict(
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=1)
    checker = StableDiffusionSafetyChecker(
        CLIPConfig(
            text_config=small,
            vision_config=dict(small, image_size=32, patch_size=16),
            projection_dim=32))
    checker.save_pretrained(
        str(folder / 'safety_checker'), safe_serialization=False)
    CLIPImageProcessor(
        size=32,
        crop_size=32).save_pretrained(str(folder / 'feature_extractor'))
    for name in ('text_encoder',
                 'safety_checker'):  # transformers 5 writes safetensors only
        safetensors = folder / name / 'model.safetensors'
        torch.save(
            load_file(str(safetensors)),
            str(folder / name / 'pytorch_model.bin'))
        safetensors.unlink()
    index = json.loads((folder / 'model_index.json').read_text())
    index.update(
        _diffusers_version='0.2.2',
        requires_safety_checker=True,
        safety_checker=['stable_diffusion', 'StableDiffusionSafetyChecker'],
        feature_extractor=['transformers', 'CLIPImageProcessor'])
    (folder / 'model_index.json').write_text(json.dumps(index))
    return pipeline


def test_a_folder_in_the_sd_v1_4_layout_loads_without_its_safety_checker(
        tiny_sd, tmp_path):
    folder = tmp_path / 'stable-diffusion-v1-4'
    original = write_sd_v1_4_layout(folder, tiny_sd)
    weights = sorted(str(p.relative_to(folder)) for p in folder.rglob('*.bin'))
    assert 'unet/diffusion_pytorch_model.bin' in weights and not list(
        folder.rglob('*.safetensors'))
    assert {
        'text_encoder/pytorch_model.bin', 'safety_checker/pytorch_model.bin'
    } <= set(weights)
    pipeline = load_pipeline(str(check_model_dir(str(folder))))
    assert pipeline.safety_checker is None and type(
        pipeline.scheduler).__name__ == 'PNDMScheduler'
    for name in ('unet', 'vae', 'text_encoder'):
        assert same(
            state(getattr(pipeline, name)), state(getattr(original,
                                                          name))), name
    image = pipeline(
        'a photo of sks cars',
        height=32,
        width=32,
        num_inference_steps=2,
        generator=torch.Generator().manual_seed(0),
        output_type='np')
    assert image.nsfw_content_detected is None


def test_a_hub_id_or_a_missing_folder_says_what_to_download(tiny_sd, tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_pipeline('CompVis/stable-diffusion-v1-4')
    message = str(error.value)
    assert 'Hub id' in message and 'local_files_only' in message
    assert 'huggingface-cli download CompVis/stable-diffusion-v1-4' in message
    with pytest.raises(
            FileNotFoundError,
            match=f"'{tmp_path}/nowhere' does not exist.*CompVis"):
        check_model_dir(str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match='no model_index.json'):
        check_model_dir(str(tmp_path))
    (tmp_path / 'partial').mkdir()
    index = json.loads((tiny_sd / 'model_index.json').read_text())
    (tmp_path / 'partial' / 'model_index.json').write_text(json.dumps(index))
    with pytest.raises(FileNotFoundError, match='no unet, vae, text_encoder'):
        check_model_dir(str(tmp_path / 'partial'))
