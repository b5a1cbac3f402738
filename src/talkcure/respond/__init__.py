"""talkcure.respond"""
