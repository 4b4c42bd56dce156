"""The Gradio web app: chat (Check-in + generation), repository browser, judging tab."""
