"""talkcure.measures"""
