"""Install with ``pip install -e .`` (see scripts/setup.sh for the whole environment)."""
from setuptools import Extension, find_packages, setup

# Region-of-interest JPEG decoding (mmpose/datasets/transforms/encoded_jpeg.py). Optional: where
# the libjpeg headers are missing the build is skipped and OpenCV decodes whole images instead.
_JPEG_ROI = Extension('mmpose.datasets.transforms._jpeg_roi',
                      sources=['mmpose/datasets/transforms/_jpeg_roi.c'], libraries=['jpeg'],
                      extra_compile_args=['-O2'], optional=True)


def _version() -> str:
    scope: dict = {}
    with open('mmpose/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


def _requirements() -> list[str]:
    with open('requirements.txt') as f:
        return [ln.split('#')[0].strip() for ln in f if ln.split('#')[0].strip()]


setup(
    name='mmpose',
    version=_version(),
    description='Multi-dataset 2D keypoint estimation: ViTPose, ViTPose+ and PoseBH on mmengine',
    packages=find_packages(include=['mmpose', 'mmpose.*']),
    python_requires='>=3.10',
    install_requires=_requirements(),
    ext_modules=[_JPEG_ROI],
    license='Apache-2.0',
)
