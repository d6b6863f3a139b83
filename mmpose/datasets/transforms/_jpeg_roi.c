/* Region-of-interest JPEG decoding with libjpeg(-turbo).
 *
 * decode(data, scale_denom, x0, y0, x1, y1) -> (buffer, width, height, x_offset, y_offset)
 *
 * Decodes the JPEG in ``data`` at 1/scale_denom resolution (libjpeg's scaled inverse DCT) and
 * returns only the rows y0..y1-1 and (at least) the columns x0..x1-1 of the scaled image, as
 * RGB uint8 in a bytearray of height*width*3. Columns are widened by libjpeg to iMCU
 * boundaries; x_offset/y_offset give the position of the returned block in the scaled image.
 * Rows above y0 are skipped (entropy-decoded only) and decoding stops after row y1-1. Pixels
 * are those of a full decode with the same library (same IDCT, fancy upsampling).
 *
 * Raises ValueError on corrupt data or an unsupported colour space (e.g. CMYK); the Python
 * caller then falls back to OpenCV.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

struct error_mgr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void on_error(j_common_ptr cinfo) {
    struct error_mgr *err = (struct error_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    (void)cinfo; (void)level;  /* warnings (e.g. premature end of data) are ignored, as OpenCV does */
}

static PyObject *decode(PyObject *self, PyObject *args) {
    Py_buffer view;
    int denom, x0, y0, x1, y1;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*iiiii", &view, &denom, &x0, &y0, &x1, &y1)) return NULL;
    if (denom != 1 && denom != 2 && denom != 4 && denom != 8) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "scale_denom must be 1, 2, 4 or 8");
        return NULL;
    }
    struct jpeg_decompress_struct cinfo;
    struct error_mgr err;
    PyObject *volatile out = NULL;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    err.message[0] = '\0';
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        PyBuffer_Release(&view);
        Py_XDECREF(out);
        PyErr_Format(PyExc_ValueError, "libjpeg: %s", err.message);
        return NULL;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (const unsigned char *)view.buf, (unsigned long)view.len);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE &&
        cinfo.jpeg_color_space != JCS_RGB) {
        strcpy(err.message, "unsupported colour space");
        longjmp(err.jump, 1);
    }
    cinfo.out_color_space = JCS_RGB;
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)denom;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w) x1 = w;
    if (y1 > h) y1 = h;
    if (x1 <= x0 || y1 <= y0) {  /* nothing of the image is needed */
        jpeg_abort_decompress(&cinfo);
        jpeg_destroy_decompress(&cinfo);
        PyBuffer_Release(&view);
        return Py_BuildValue("(y#iiii)", "", (Py_ssize_t)0, 0, 0, 0, 0);
    }
    JDIMENSION xoff = (JDIMENSION)x0, cw = (JDIMENSION)(x1 - x0);
    if (xoff > 0 || cw < (JDIMENSION)w) jpeg_crop_scanline(&cinfo, &xoff, &cw);
    if (y0 > 0) jpeg_skip_scanlines(&cinfo, (JDIMENSION)y0);
    int rows = y1 - y0;
    out = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)rows * (Py_ssize_t)cw * 3);
    if (out == NULL) longjmp(err.jump, 1);
    unsigned char *dst = (unsigned char *)PyByteArray_AS_STRING(out);
    while ((int)cinfo.output_scanline < y1) {
        JSAMPROW row = dst + (size_t)((int)cinfo.output_scanline - y0) * cw * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_abort_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    PyBuffer_Release(&view);
    PyObject *result = Py_BuildValue("(Oiiii)", out, (int)cw, rows, (int)xoff, y0);
    Py_DECREF(out);
    return result;
}

static PyMethodDef methods[] = {
    {"decode", decode, METH_VARARGS,
     "decode(data, scale_denom, x0, y0, x1, y1) -> (bytearray, width, height, x_off, y_off)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_jpeg_roi",
                                    "Region-of-interest JPEG decoding (libjpeg).", -1, methods};

PyMODINIT_FUNC PyInit__jpeg_roi(void) { return PyModule_Create(&module); }
