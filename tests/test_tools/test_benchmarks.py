"""The benchmark scripts run end to end on tiny inputs and report consistent figures."""
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / 'configs/demo/posebh_tiny_synthetic_mdt.py'


def _bench(tmp_path, script, *args):
    out = tmp_path / f'{script}.json'
    r = subprocess.run([sys.executable, str(REPO / 'tools/analysis' / f'{script}.py'), *args,
                        '--json', str(out)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(out.read_text()), r.stdout


def test_data_benchmark(tmp_path):
    res, stdout = _bench(tmp_path, 'benchmark_data', '--images', '4', '--samples', '24')
    sps = res['samples_per_s']
    assert set(sps) == {'fast', 'fast_host_targets', 'fast_whole_decode', 'straightforward'}
    assert min(sps.values()) > 0 and res['device_target_drawing_ms_per_sample_cpu'] > 0
    assert res['ratio_fast_over_straightforward'] == sps['fast'] / sps['straightforward']
    assert 'fast / straightforward' in stdout


def test_train_benchmark_counts_flops(tmp_path):
    res, _ = _bench(tmp_path, 'benchmark_train', str(TINY), '--batch', '6', '--steps', '1',
                    '--device', 'cpu')
    assert min(res['images_per_s'].values()) > 0
    u = res['fast_utilisation']
    assert 0.5 < u['gflop_per_image'] < 5 and u['mfu'] is None  # no known peak on a CPU


def test_train_benchmark_compiles_the_backbone(tmp_path):
    """FLOP counting must not leave dynamo skipping the backbone: the timed steps compile."""
    res, _ = _bench(tmp_path, 'benchmark_train', str(TINY), '--batch', '6', '--steps', '1',
                    '--warmup', '2', '--device', 'cpu', '--cfg-options',
                    'model.compile_backbone=True')
    assert res['compiled_graphs'] > 0


def test_inference_benchmark_paths_agree(tmp_path):
    res, _ = _bench(tmp_path, 'benchmark_inference', str(TINY), '--batch', '4', '--steps', '1',
                    '--device', 'cpu')
    assert set(res['ratio_fast_over_original']) == {'flip', 'no_flip'}
    # same precision: the one-pass flip test, routed experts and SDPA give the original's
    # keypoints up to float rounding
    assert res['max_keypoint_difference_px'] < 1e-3
    fl = res['fast_utilisation']
    assert fl['flip']['gflop_per_image'] > 1.9 * fl['no_flip']['gflop_per_image']


def test_eval_benchmark(tmp_path):
    res, _ = _bench(tmp_path, 'benchmark_eval', '--images', '40', '--boxes', '800')
    assert res['boxes'] > 700 and res['images'] == 40
    assert res['nms_vectorised_s'] > 0 and res['nms_speedup'] > 1 and 0 < res['AP'] <= 1
