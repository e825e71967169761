"""CheckpointHook whose checkpoints survive a crash in the middle of a save."""
import glob
import os
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from mmasm.registry import HOOKS
from mmasm.utils.checkpoint import (checksum_path, publish, staging_name,
                                    write_checksum, write_text_atomically)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` (same arguments) with crash-safe saving
    to local folders.

    mmengine removes the oldest kept checkpoint (``max_keep_ckpts``) before
    writing the new one, writes it in place and then points
    ``last_checkpoint`` at it: a crash during the save leaves no checkpoint,
    or a truncated one, and a ``last_checkpoint`` naming a deleted file. This
    hook writes ``iter_N.pth`` under a hidden temporary name in the same
    folder, renames it into place (``os.replace``) once complete, then
    rewrites ``last_checkpoint`` the same way, and only then removes the
    outdated checkpoint. Each checkpoint gets a SHA-256 sidecar
    (``iter_N.pth.sha256``) that mmasm's loaders verify. Temporary files a
    killed run left behind are removed before training. ``tools/train.py`` uses it instead of
    ``CheckpointHook``; remote ``out_dir`` backends keep mmengine's saving.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if self._local() and is_main_process():
            name = self.filename_tmpl.format('*')
            for pattern in (staging_name(name),
                            staging_name(checksum_path(name))):
                for stale in glob.glob(
                        osp.join(glob.escape(self.out_dir), pattern)):
                    os.remove(stale)

    def _local(self) -> bool:
        return isinstance(self.file_backend, LocalBackend)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        if not self._local():
            return super()._save_checkpoint_with_step(runner, step, meta)
        outdated = self._keep(runner, step)
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        staged = staging_name(filename)
        runner.save_checkpoint(
            self.out_dir,
            staged,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        staged = osp.join(self.out_dir, staged)
        write_checksum(staged, written_as=self.last_ckpt)
        publish(staged, self.last_ckpt)
        write_text_atomically(
            osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        if outdated is not None:
            self._remove(self.filename_tmpl.format(outdated))

    def _keep(self, runner, step):
        """Record ``step`` among the kept checkpoints (``max_keep_ckpts``);
        return the step whose file is to be removed once ``step``'s is
        saved, if any."""
        if self.max_keep_ckpts <= 0 or (self.keep_ckpt_ids
                                        and self.keep_ckpt_ids[-1] == step):
            return None
        outdated = None
        if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
            outdated = self.keep_ckpt_ids.popleft()
        self.keep_ckpt_ids.append(step)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))
        return outdated

    def _remove(self, filename: str) -> None:
        path = osp.join(self.out_dir, filename)
        if osp.isfile(checksum_path(path)):
            os.remove(checksum_path(path))
        if osp.isfile(path):
            os.remove(path)
        elif osp.isdir(path):  # checkpoints saved by deepspeed are folders
            self.file_backend.rmtree(path)
