"""talkcure.respond.wording"""
