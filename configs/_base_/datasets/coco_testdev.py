# COCO test-dev: boxes from the 60.9-AP person detector; no public ground truth, so the metric
# only writes the results file for the evaluation server (format_only). Used by the *_testdev
# configs as `test_dataloader = dict(dataset={{_base_.testdev_dataset}})`.
testdev_root = 'data/coco/'
testdev_dataset = dict(
    ann_file=testdev_root + 'annotations/image_info_test-dev2017.json',
    img_prefix=testdev_root + 'test2017/',
    bbox_file=testdev_root
    + 'person_detection_results/COCO_test-dev2017_detections_AP_H_609_person.json')
testdev_evaluator = dict(
    ann_file=testdev_root + 'annotations/image_info_test-dev2017.json', format_only=True,
    outfile_prefix='work_dirs/coco_testdev/results')
