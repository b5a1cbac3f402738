"""talkcure.store"""
