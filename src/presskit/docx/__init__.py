"""DOCX: the briefing HTML written as a Word document in the reference document's house style."""
