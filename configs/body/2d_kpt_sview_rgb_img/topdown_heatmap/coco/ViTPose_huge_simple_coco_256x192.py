_base_ = ['./ViTPose_huge_coco_256x192.py']
# ViTPose "simple" decoder: ReLU, bilinear x4 upsampling, one 3x3 conv (ViTPose paper Sec. 3.1)
model = dict(keypoint_head=dict(num_deconv_layers=0, num_deconv_filters=(), num_deconv_kernels=(),
                                upsample=4, final_conv_kernel=3))
