# COCO test-dev: boxes from the 60.9-AP person detector; no public ground truth, so the metric
# only writes the results file for the evaluation server (format_only).
testdev_root = 'data/coco/'
testdev_dataset = dict(
    type='CocoStyleDataset', dataset_name='coco',
    ann_file=testdev_root + 'annotations/image_info_test-dev2017.json',
    img_prefix=testdev_root + 'test2017/', test_mode=True, use_gt_bbox=False,
    bbox_file=testdev_root
    + 'person_detection_results/COCO_test-dev2017_detections_AP_H_609_person.json',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
testdev_evaluator = dict(
    type='CocoMetric', ann_file=testdev_root + 'annotations/image_info_test-dev2017.json',
    format_only=True, outfile_prefix='work_dirs/coco_testdev/results')
