"""talkcure.formulate"""
