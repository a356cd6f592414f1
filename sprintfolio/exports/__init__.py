"""Templates of the German Sachstandsbericht (status report): texts, formats and the print CSS.

``sprintfolio.services.exports`` builds the report and renders it with these;
every word a reader of the report sees lives here.
"""
