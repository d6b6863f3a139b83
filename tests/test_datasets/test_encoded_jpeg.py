"""Region decoding of JPEGs: crops equal warping the fully decoded image, bit for bit."""
import struct

import cv2
import numpy as np
import pytest

import mmpose.datasets.transforms.encoded_jpeg as encoded_jpeg
from mmpose.datasets.transforms import (
    EncodedJpeg,
    LoadImage,
    TopdownAffine,
    TopdownRandomFlip,
    region_decoding_available,
)
from mmpose.datasets.transforms.encoded_jpeg import read_jpeg_header
from mmpose.structures import get_warp_matrix

OUT = (192, 256)


def _random_matrices(rng, shape, n):
    """Crops anywhere (partly outside the image too), any scale, rotation and flip."""
    h, w = shape
    for _ in range(n):
        c = rng.uniform(-0.1, 1.1, 2) * [w, h]
        s = np.exp(rng.uniform(np.log(20), np.log(4 * max(h, w))))
        r = rng.uniform(-80, 80) * (rng.random() < 0.6)
        mat = get_warp_matrix(r, c * 2, np.array([191., 255.]), np.array([s * 0.75, s]))
        if rng.random() < 0.5:
            mat = mat @ np.array([[-1., 0., w - 1.], [0., 1., 0.], [0., 0., 1.]])
        yield mat


def _full_warp(jpeg, mat, f):
    """The straightforward crop: decode the whole image (at 1/f), then warp."""
    c = (f - 1) / 2.
    m = mat @ np.array([[f, 0., c], [0., f, c], [0., 0., 1.]])
    return cv2.warpAffine(jpeg.decode(f), m, OUT, flags=cv2.INTER_LINEAR)


@pytest.fixture(scope='module')
def sample_jpegs(samples):
    paths = sorted(p for p in samples.rglob('*.jpg'))
    assert len(paths) >= 20
    return [EncodedJpeg.from_file(str(p)) for p in paths]


def test_header_matches_decoder(sample_jpegs):
    for jpeg in sample_jpegs:
        assert jpeg is not None
        assert jpeg.shape == jpeg.decode().shape[:2]


@pytest.mark.parametrize('with_extension', [True, False])
def test_region_warp_is_bit_exact(sample_jpegs, with_extension, monkeypatch):
    """Every real sample (baseline and progressive, 4:2:0 and 4:4:4), random crops: the region
    decoder's crop equals warping the whole decode, at full and at reduced resolution."""
    if with_extension and not region_decoding_available():
        pytest.skip('libjpeg region decoder not built')
    if not with_extension:
        monkeypatch.setattr(encoded_jpeg, '_jpeg_roi', None)
    rng = np.random.default_rng(0)
    reductions = {1: 0, 2: 0, 4: 0, 8: 0}
    for jpeg in sample_jpegs:
        for mat in _random_matrices(rng, jpeg.shape, 8 if with_extension else 2):
            np.testing.assert_array_equal(jpeg.warp(mat, OUT), _full_warp(jpeg, mat, 1))
            reduced = EncodedJpeg(jpeg.data, jpeg.shape, max_reduction=8)
            f = reduced.reduction_for(mat)
            reductions[f] += 1
            np.testing.assert_array_equal(reduced.warp(mat, OUT), _full_warp(jpeg, mat, f))
    if with_extension:
        assert all(reductions.values()), reductions  # every reduction level was exercised


def test_reduction_choice():
    jpeg = EncodedJpeg(b'', (1000, 1000), max_reduction=4)
    scale = lambda k: np.array([[1. / k, 0., 0.], [0., 1. / k, 0.]])  # noqa: E731
    assert [jpeg.reduction_for(scale(k)) for k in (0.5, 1, 1.9, 2, 3.9, 4, 8, 100)] == \
        [1, 1, 1, 2, 2, 4, 4, 4]
    rot = cv2.getRotationMatrix2D((0, 0), 30, 1 / 4.)  # rotation does not change the density
    assert jpeg.reduction_for(rot) == 4


def test_crop_outside_image_is_black(sample_jpegs):
    jpeg = sample_jpegs[0]
    mat = np.array([[1., 0., 5000.], [0., 1., 5000.]])
    out = jpeg.warp(mat, OUT)
    assert out.shape == (256, 192, 3) and not out.any()


def _with_exif_orientation(data: bytes, orientation: int) -> bytes:
    """Insert an APP1 EXIF segment with the given orientation after SOI."""
    tiff = b'II*\x00' + struct.pack('<I', 8) + struct.pack('<H', 1) + \
        struct.pack('<HHIHH', 0x0112, 3, 1, orientation, 0) + struct.pack('<I', 0)
    payload = b'Exif\x00\x00' + tiff
    return data[:2] + b'\xff\xe1' + struct.pack('>H', len(payload) + 2) + payload + data[2:]


def test_exif_rotated_jpeg_is_decoded_whole(tmp_path):
    """EXIF-rotated files are decoded by OpenCV (which applies the rotation), not deferred."""
    img = np.random.default_rng(0).integers(0, 255, (40, 60, 3), np.uint8)
    data = cv2.imencode('.jpg', img)[1].tobytes()
    assert read_jpeg_header(data) == (40, 60, 1)
    rotated = _with_exif_orientation(data, 6)  # 90 degrees clockwise
    assert read_jpeg_header(rotated) == (40, 60, 6)
    path = tmp_path / 'rot.jpg'
    path.write_bytes(rotated)
    res = LoadImage()(dict(img_path=str(path)))
    assert isinstance(res['img'], np.ndarray) and res['img_shape'] == (60, 40)
    path.write_bytes(_with_exif_orientation(data, 1))
    res = LoadImage()(dict(img_path=str(path)))
    assert isinstance(res['img'], EncodedJpeg) and res['img_shape'] == (40, 60)


def test_grayscale_and_png(tmp_path):
    gray = np.tile(np.arange(0, 240, 4, dtype=np.uint8), (48, 1))
    cv2.imwrite(str(tmp_path / 'g.jpg'), gray)
    cv2.imwrite(str(tmp_path / 'g.png'), gray)
    mat = np.array([[2., 0.3, -10.], [-0.3, 2., 4.]])
    jpeg = LoadImage()(dict(img_path=str(tmp_path / 'g.jpg')))['img']
    out = jpeg.warp(mat, OUT)
    np.testing.assert_array_equal(out, _full_warp(jpeg, mat, 1))
    assert out.shape == (256, 192, 3)
    png = LoadImage()(dict(img_path=str(tmp_path / 'g.png')))
    assert isinstance(png['img'], np.ndarray) and png['img'].shape == (48, 60, 3)


@pytest.mark.parametrize('cut', ['third', 'end_marker'])
def test_truncated_jpeg_decodes_like_imread(samples, tmp_path, monkeypatch, cut):
    """Files cut short or missing the end marker (common in crawled datasets) give the crop
    of the eager path (cv2.imread), with and without the region decoder."""
    data = (samples / 'coco' / '000000000785.jpg').read_bytes()
    path = tmp_path / 'cut.jpg'
    path.write_bytes(data[:len(data) // 3] if cut == 'third' else data[:-2])
    base = dict(img_path=str(path), center=np.array([300., 200.], np.float32),
                scale=np.array([1.5, 2.], np.float32))
    crops = []
    for defer, extension in ((False, True), (True, True), (True, False)):
        if not extension:
            monkeypatch.setattr(encoded_jpeg, '_jpeg_roi', None)
        r = LoadImage(defer_decoding=defer)(dict(base))
        assert isinstance(r['img'], EncodedJpeg) == defer
        crops.append(TopdownAffine(OUT, use_udp=True)(r)['img'])
    assert crops[0].any()
    for crop in crops[1:]:
        np.testing.assert_array_equal(crop, crops[0])


def test_garbage_after_header_raises_clear_error(tmp_path, monkeypatch):
    img = np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)
    data = cv2.imencode('.jpg', img)[1].tobytes()
    path = tmp_path / 'bad.jpg'
    sos = data.index(b'\xff\xda')
    path.write_bytes(data[:sos])  # frame header, but no scan at all
    monkeypatch.setattr(encoded_jpeg, '_jpeg_roi', None)
    jpeg = LoadImage()(dict(img_path=str(path)))['img']
    with pytest.raises(ValueError, match='cannot decode image .*bad.jpg'):
        jpeg.warp(np.array([[1., 0., 0.], [0., 1., 0.]]), OUT)


def test_header_edge_cases():
    img = np.random.default_rng(0).integers(0, 255, (40, 60, 3), np.uint8)
    data = cv2.imencode('.jpg', img)[1].tobytes()
    # EXIF orientation followed by an XMP APP1 segment: the orientation survives
    xmp = b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>'
    with_xmp = _with_exif_orientation(data, 6)
    with_xmp = with_xmp[:2] + with_xmp[2:].replace(
        b'\xff\xdb', b'\xff\xe1' + struct.pack('>H', len(xmp) + 2) + xmp + b'\xff\xdb', 1)
    assert read_jpeg_header(with_xmp) == (40, 60, 6)
    # a frame height of 0 (set later by a DNL marker) is not deferred
    sof = data.index(b'\xff\xc0')
    dnl = data[:sof + 5] + b'\x00\x00' + data[sof + 7:]
    assert read_jpeg_header(dnl) is None
    assert read_jpeg_header(b'not a jpeg') is None


def test_train_pipeline_with_flip_equals_whole_decoding(samples):
    """The deferred pipeline (flip folded into the warp) gives the eager pipeline's crop."""
    from mmpose.datasets import CocoStyleDataset
    ds = CocoStyleDataset(ann_file=str(samples / 'coco' / 'test_coco.json'),
                          img_prefix=str(samples / 'coco') + '/', test_mode=True)
    for i in range(len(ds)):
        outs = []
        for defer in (True, False):
            r = LoadImage(defer_decoding=defer)(ds.get_data_info(i))
            r = TopdownRandomFlip(prob=1.0)(r)
            outs.append(TopdownAffine(OUT, use_udp=True)(r))
        np.testing.assert_array_equal(outs[0]['img'], outs[1]['img'])
        np.testing.assert_array_equal(outs[0]['keypoints'], outs[1]['keypoints'])
